/**
 * The actor runtime on Pekko Typed and Pekko Cluster: edge gateway, segment executors, link and cloud-load
 * monitors, partitioner, model distribution to cloud nodes, and the embedding API {@link io.partnner.actors.Partnner}.
 * Actors are thin: each owns one core object from {@code io.partnner.runtime} and turns messages into calls.
 */
package io.partnner.actors;
