/** The model profile the planner works on: candidate cuts, crossing tensors and FLOPs per block. */
package io.partnner.runtime.model;
