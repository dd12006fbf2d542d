/**
 * The trace-driven simulator (DESIGN section 8): block times measured on this machine, an emulated
 * link and a cloud-load schedule replayed in virtual time, so strategies can be compared against the
 * oracle over thousands of requests in seconds.
 */
package io.partnner.runtime.sim;
