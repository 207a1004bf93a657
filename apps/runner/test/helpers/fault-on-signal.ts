// Preloaded into a child runner by the crash tests (`spawnRunner(env, { preload })`): on SIGUSR2, a fault that
// nothing catches, shaped like an HTTP client's error (its request's URL, headers and body carry the jwt).
// FAULT=rejection (default) leaves a promise rejected unhandled; FAULT=exception throws from a timer.
const jwt = process.env.TEST_JWT ?? 'no-jwt-given';

function clientError() {
  return Object.assign(
    new Error(`GET https://connect.openmethodscloud.com/api/sendmessage/CRM?agentid=jdoe&jwt=${jwt} failed`),
    {
      code: 'ECONNRESET',
      config: {
        url: `https://connect.openmethodscloud.com/api/sendmessage/CRM?jwt=${encodeURIComponent(jwt)}`,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${jwt}` },
        data: JSON.stringify({ agentid: 'jdoe', jwt, event: 'Call Answered' }),
      },
    },
  );
}

process.on('SIGUSR2', () => {
  if (process.env.FAULT === 'exception')
    setImmediate(() => {
      throw clientError();
    });
  else void Promise.reject(clientError());
});
