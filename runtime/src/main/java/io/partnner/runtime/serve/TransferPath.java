package io.partnner.runtime.serve;

/**
 * How crossing tensors travel from the edge to a cloud executor: inside the request over the actor transport
 * (Pekko Artery), or on the bulk lane beside it (plain TCP, the request itself still over Artery). Artery's
 * framing costs more per byte, the bulk lane a second transfer to set up; the threshold between them is
 * {@code partnner.bulk.threshold}.
 */
public enum TransferPath {
  /** Inside the request message. */
  ARTERY,
  /** On the bulk lane, pushed beside the request. */
  BULK;

  /**
   * The path for {@code bytes} of crossing tensors: the bulk lane from {@code threshold} bytes on, when the
   * receiver has one ({@code laneOpen}) and the threshold is not negative (the lane switched off).
   */
  public static TransferPath forBytes(long bytes, long threshold, boolean laneOpen) {
    return laneOpen && threshold >= 0 && bytes >= threshold ? BULK : ARTERY;
  }
}
