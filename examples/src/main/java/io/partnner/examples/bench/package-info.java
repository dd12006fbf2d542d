/** Measurements behind the {@code bench} commands that need more than a command class. */
package io.partnner.examples.bench;
