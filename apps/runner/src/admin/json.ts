// How the admin scope reads bodies: JSON, through Fastify's own parser, whatever the declared type (API
// clients such as `curl -d` declare a form). A route says which JSON it reads in its config (`jsonBody`);
// a body that is not JSON gets a 400 naming that shape, and routes that read none ignore what is sent.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The JSON body an admin route reads, as its 400 names it, e.g. `{"reason": "..."} or empty`. */
    jsonBody?: string;
  }
}

/** The answer to a body that is not the JSON a route reads. */
export const notJson = (jsonBody: string) => `the body must be JSON: ${jsonBody}`;

/** A schema's issues as one line, each naming its field. */
export const describeIssues = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');

class BodyNotJson extends Error {
  readonly statusCode = 400;
}

/** Empty bodies are undefined; anything else is JSON or a 400. */
export function readJsonBodies(scope: FastifyInstance) {
  // As JSON.parse: a "__proto__" key stays an own property, and no route merges a body into another object.
  const parseJson = scope.getDefaultJsonParser('ignore', 'ignore');
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const { jsonBody } = request.routeOptions.config;
    if (!jsonBody || !(body as string).trim()) return done(null, undefined);
    parseJson(request, body as string, (error, value) =>
      error ? done(new BodyNotJson(notJson(jsonBody))) : done(null, value),
    );
  });
}
