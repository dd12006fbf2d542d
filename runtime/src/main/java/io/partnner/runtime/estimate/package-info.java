/**
 * Online estimates learned from running inferences: robust per-quantity estimates, per-block compute
 * times of each side with cross-side and FLOPs fallbacks, and the cloud executors' queueing delay.
 * The classes here are not thread-safe: each is owned by one actor and called on its thread.
 */
package io.partnner.runtime.estimate;
