// A bound on how long the runner waits for its store (Redis outage, a disk that hangs): past it, the caller
// gets an error and answers or retries accordingly (a 503 to the vendor, a lease given up, a session that
// starts without its position). The work itself is told through `gaveUp`, aborted by the same timer that
// rejects: a store that completes later (the outbox's enqueue) undoes what it stored. The one race a library
// such as p-timeout would add, written out.

/** Rejects when `promise` has not settled within `ms`, naming `what` did not answer; then aborts `gaveUp`. */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  gaveUp?: Pick<AbortController, 'abort'>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${what} did not answer within ${ms} ms`));
      gaveUp?.abort();
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
