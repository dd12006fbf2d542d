/**
 * The link between edge and cloud: measured bandwidth traces, presets per link standard, an emulated
 * link (DESIGN section 7) and the estimator that learns bandwidth and RTT from transfer timings alone
 * (DESIGN section 2).
 */
package io.partnner.runtime.link;
