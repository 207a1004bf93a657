// Agent ARNs: what the sources read from them (instance, user id, region) and how the directory is asked.
import type { Directory } from '@openconnect/core';

export interface AgentArn {
  arn: string;
  instanceId: string;
  userId: string;
  /** The instance's region, as the ARN names it: where DescribeUser must be asked. */
  region?: string;
}

const AGENT_ARN = /^arn:aws[a-z-]*:connect:([^:]*):[^:]*:instance\/([^/]+)\/agent\/([^/]+)$/;

/** Splits `arn:aws:connect:<region>:<account>:instance/<InstanceId>/agent/<UserId>`; undefined if it is not one. */
export function parseAgentArn(arn: string): AgentArn | undefined {
  const match = AGENT_ARN.exec(arn.trim());
  if (!match) return undefined;
  const [, region, instanceId, userId] = match;
  return { arn: arn.trim(), instanceId: instanceId!, userId: userId!, ...(region ? { region } : {}) };
}

/** The id at the end of a Connect ARN (queue/<id>, instance/<id>). */
export function arnId(arn: string | null | undefined): string | undefined {
  if (!arn) return undefined;
  const id = arn.split('/').pop();
  return id && id !== arn ? id : undefined;
}

/** The static directory wins: keyed by the full agent ARN, or by its user-id segment. */
export function fromDirectory(directory: Directory, arn: string | null | undefined): string | undefined {
  if (!arn) return undefined;
  const parsed = parseAgentArn(arn);
  return directory.get(arn) ?? (parsed ? directory.get(parsed.userId) : undefined);
}
