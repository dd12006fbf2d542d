package io.partnner.runtime.sim;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What running a model for real measured: per block the mean and spread of its time on this machine
 * (the cloud side; an emulated edge is a slowdown of these), and per candidate cut and wire codec the
 * bytes on the link, the coding times and the codec's error. Plain data, so the simulator needs no
 * ONNX Runtime; saved and read as a small line-based text file.
 *
 * @param modelName the model's name
 * @param contentHash the model file's content hash, so a cached profile is not used for another model
 * @param runs how many timed runs the block statistics are over
 * @param blocks one entry per block (between cut {@code i} and {@code i+1})
 * @param cuts one entry per candidate cut, 0 = cloud-only, last = edge-only (nothing crosses)
 * @param resultBytes bytes of the model outputs, which come back down the link
 */
public record MeasuredProfile(
    String modelName, String contentHash, int runs, List<BlockTiming> blocks, List<CutCost> cuts, long resultBytes) {

  /** Mean and standard deviation of one block's time over the measured runs, in nanoseconds. */
  public record BlockTiming(double meanNanos, double stdNanos) {
    /** Checks both are non-negative numbers. */
    public BlockTiming {
      if (!(meanNanos >= 0) || !(stdNanos >= 0) || Double.isInfinite(meanNanos) || Double.isInfinite(stdNanos)) {
        throw new IllegalArgumentException("block time mean and spread must be finite and >= 0, got " + meanNanos
            + " and " + stdNanos + " ns");
      }
    }
  }

  /**
   * One codec applied to every tensor crossing a cut (a tensor the codec does not take, such as a
   * {@code uint8} frame under {@code int8}, travels raw).
   *
   * @param bytes bytes on the link, headers included
   * @param encodeNanos time to encode them on this machine
   * @param decodeNanos time to decode them on this machine
   * @param relativeError the codec's error that a lossy codec's bound is held against (0 for a lossless
   *     codec): as the block profiler measures it, the largest error over the crossing tensors relative to
   *     their largest magnitude; {@code bench sim --max-codec-error} replaces it with the measured effect on
   *     the model output before any strategy sees it
   */
  public record CodecCost(long bytes, double encodeNanos, double decodeNanos, double relativeError) {
    /** Checks the values. */
    public CodecCost {
      if (bytes < 0 || !(encodeNanos >= 0) || !(decodeNanos >= 0) || !(relativeError >= 0)) {
        throw new IllegalArgumentException("invalid codec cost: " + bytes + " bytes, encode " + encodeNanos
            + " ns, decode " + decodeNanos + " ns, error " + relativeError);
      }
    }
  }

  /**
   * The crossing of one cut: its raw bytes and its cost under each codec, in the order measured.
   *
   * @param rawBytes bytes of the crossing tensors as they are (0 for the edge-only cut)
   * @param codecs cost per codec name
   */
  public record CutCost(long rawBytes, Map<String, CodecCost> codecs) {
    /** Copies the map, keeping its order. */
    public CutCost {
      if (rawBytes < 0) {
        throw new IllegalArgumentException("raw bytes must be >= 0, got " + rawBytes);
      }
      codecs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(codecs));
      if (codecs.isEmpty()) {
        throw new IllegalArgumentException("a cut needs the cost of at least one codec");
      }
    }

    /**
     * The cost under {@code codec}.
     *
     * @throws IllegalArgumentException naming the codecs measured when {@code codec} is not one
     */
    public CodecCost codec(String codec) {
      CodecCost cost = codecs.get(codec);
      if (cost == null) {
        throw new IllegalArgumentException("codec '" + codec + "' was not measured; measured: " + codecs.keySet());
      }
      return cost;
    }
  }

  /** Checks that there is one cut more than blocks and copies the lists. */
  public MeasuredProfile {
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(contentHash, "contentHash");
    blocks = List.copyOf(blocks);
    cuts = List.copyOf(cuts);
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("model " + modelName + ": a measured profile needs at least one block");
    }
    if (cuts.size() != blocks.size() + 1) {
      throw new IllegalArgumentException("model " + modelName + ": " + blocks.size() + " blocks need "
          + (blocks.size() + 1) + " cuts, got " + cuts.size());
    }
    if (runs < 1 || resultBytes < 0) {
      throw new IllegalArgumentException("model " + modelName + ": runs must be >= 1 and result bytes >= 0, got "
          + runs + " and " + resultBytes);
    }
    if (cuts.get(cuts.size() - 1).rawBytes() != 0) {
      throw new IllegalArgumentException("model " + modelName + ": nothing crosses the edge-only cut, but it has "
          + cuts.get(cuts.size() - 1).rawBytes() + " bytes");
    }
  }

  /** Number of blocks. */
  public int blockCount() {
    return blocks.size();
  }

  /** Index of the edge-only cut (= number of blocks). */
  public int edgeOnlyCut() {
    return blocks.size();
  }

  /** Mean time of the whole model on this machine, in nanoseconds. */
  public double totalMeanNanos() {
    double total = 0;
    for (BlockTiming block : blocks) {
      total += block.meanNanos();
    }
    return total;
  }

  /** Writes the profile as text, replacing {@code file}. */
  public void write(Path file) throws IOException {
    ProfileFormat.write(this, file);
  }

  /**
   * Reads a profile written by {@link #write}.
   *
   * @throws IllegalArgumentException naming the file and line when it is not a valid profile
   * @throws IOException when it cannot be read
   */
  public static MeasuredProfile read(Path file) throws IOException {
    return ProfileFormat.read(file);
  }
}
