/**
 * Serving requests: the gateway's request table and executor choice, an executor's work queue, and what an
 * application gets back. Plain Java; the actors own these objects and turn messages into calls on them.
 */
package io.partnner.runtime.serve;
