/** What crosses nodes: the marker interfaces and the Kryo serializer for tensor-carrying messages. */
package io.partnner.actors.wire;
