package io.partnner.actors;

import org.apache.pekko.actor.NoSerializationVerificationNeeded;

/**
 * Marks messages that never leave the edge node (between the gateway, the monitors and the partitioner, and
 * from the embedding application), so the serialization check of tests skips them.
 */
interface LocalMessage extends NoSerializationVerificationNeeded {}
