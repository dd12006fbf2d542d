/** Planning the split: the strategy interface, partnner's planner and its baselines. */
package io.partnner.runtime.plan;
