// Paged reads ask for page N+1 as soon as page N says there is one, then hand out page N: the
// service works on the next response while this process maps and writes the current one. Only one
// request is ever in flight per read, the requests and their order are the same as asking after
// the page is written, and at most two pages are held.

/**
 * A promise started now and awaited later. Its rejection is held for whoever awaits it, instead of
 * counting as unhandled while the previous page is still going out.
 */
export function startEarly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Lets a request started with startEarly reach the wire before the caller goes on. A request is a
 * chain of promise steps and next-tick callbacks (auth headers, axios, the agent handing over a
 * socket); a consumer that maps and writes a whole page in one synchronous stretch would hold all
 * of them back until it next awaits, and the service would only hear of the next page then. One
 * turn of the event loop lets the chain run to the socket write.
 */
export function letItGo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
