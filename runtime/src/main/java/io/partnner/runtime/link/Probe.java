package io.partnner.runtime.link;

/**
 * A probe to send now: {@code headBytes} and then, back to back, {@code tailBytes} in {@code direction}
 * (for the downlink: ask the cloud to send them). Report both to the {@link LinkEstimator} as two
 * transfers sent at the same time: the head's round trip gives the RTT, the gap between the two
 * completions the bandwidth.
 */
public record Probe(Direction direction, long headBytes, long tailBytes) {
  /** Checks the sizes. */
  public Probe {
    if (direction == null || headBytes < 1 || tailBytes < 1) {
      throw new IllegalArgumentException("invalid probe: " + direction + " head " + headBytes + " bytes, tail " + tailBytes + " bytes");
    }
  }

  /** Bytes the probe puts on the link. */
  public long totalBytes() {
    return headBytes + tailBytes;
  }
}
