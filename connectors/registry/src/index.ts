// The registry: the only place the runner and the CLI learn which connectors exist.
// Connectors are workspace dependencies imported by package name (see connectors.ts).
import type { ConnectorDefinition } from '@openconnect/core';
import * as all from './connectors.js';

export const connectors: readonly ConnectorDefinition[] = Object.freeze(
  Object.values(all as Record<string, ConnectorDefinition>).sort((a, b) => a.id.localeCompare(b.id)),
);

export function findConnector(id: string): ConnectorDefinition | undefined {
  return connectors.find((connector) => connector.id === id);
}

export function connectorIds(): string[] {
  return connectors.map((connector) => connector.id);
}
