/** Injected time: tickers and sleepers, so core logic runs on a testing clock. */
package io.partnner.runtime.time;
