package io.partnner.runtime.estimate;

import io.partnner.runtime.time.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** Robust compute time of each block on one side (edge or cloud), learned from the blocks it runs. */
public final class BlockTimeEstimator {
  private final RobustEstimator.Settings settings;
  private final long staleAfterNanos;
  private final Ticker ticker;
  /** Created on a block's first measurement, so "never measured" stays distinguishable. */
  private final RobustEstimator[] blocks;

  /**
   * An estimator for {@code blockCount} blocks, none measured yet.
   *
   * @param staleAfter how long after its last accepted measurement a block's estimate is stale
   */
  public BlockTimeEstimator(int blockCount, RobustEstimator.Settings settings, Duration staleAfter, Ticker ticker) {
    if (blockCount < 1) {
      throw new IllegalArgumentException("a model has at least one block, got " + blockCount);
    }
    Objects.requireNonNull(staleAfter, "staleAfter");
    if (staleAfter.isNegative() || staleAfter.isZero()) {
      throw new IllegalArgumentException("staleAfter must be positive, got " + staleAfter);
    }
    this.settings = Objects.requireNonNull(settings, "settings");
    this.staleAfterNanos = staleAfter.toNanos();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.blocks = new RobustEstimator[blockCount];
  }

  /** Number of blocks this side keeps estimates for. */
  public int blockCount() {
    return blocks.length;
  }

  /**
   * Folds in one measured time of a block and returns the block's estimate after it.
   *
   * @throws IllegalArgumentException when the block is out of range or the time is negative
   */
  public Estimate record(int block, long nanos) {
    checkBlock(block);
    if (nanos < 0) {
      throw new IllegalArgumentException("block " + block + " cannot take a negative time (" + nanos + " ns)");
    }
    if (blocks[block] == null) {
      blocks[block] = new RobustEstimator(settings, ticker);
    }
    return blocks[block].observe(nanos);
  }

  /** The block's estimated time in nanoseconds, or empty if this side has never measured it. */
  public Optional<Estimate> estimate(int block) {
    checkBlock(block);
    return blocks[block] == null ? Optional.empty() : blocks[block].current();
  }

  /** True when the block has been measured within the staleness limit. */
  public boolean isFresh(int block) {
    return estimate(block).map(this::isFresh).orElse(false);
  }

  /** How long after its last accepted measurement a block's estimate is stale. */
  public Duration staleAfter() {
    return Duration.ofNanos(staleAfterNanos);
  }

  boolean isFresh(Estimate estimate) {
    return estimate.ageNanos() <= staleAfterNanos;
  }

  private void checkBlock(int block) {
    if (block < 0 || block >= blocks.length) {
      throw new IllegalArgumentException("block " + block + " is out of range for " + blocks.length + " blocks");
    }
  }
}
