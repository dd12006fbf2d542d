/** The {@code partnner} command line (DESIGN section 10). */
package io.partnner.examples.cli;
