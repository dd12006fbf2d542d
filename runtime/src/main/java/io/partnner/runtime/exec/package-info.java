/** Running ranges of blocks and timing them; edge device emulation. */
package io.partnner.runtime.exec;
