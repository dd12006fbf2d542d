package io.partnner.runtime.link;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Typical uplink and downlink bandwidth and round-trip time per link standard, each taken from a
 * published measurement (sources beside each constant). They describe a constant emulated link; real
 * links vary around them, which is what the traces are for.
 */
public enum LinkPreset {
  /**
   * 3G (HSPA). Downlink 4.4 Mbit/s: OpenSignal, "The State of LTE", June 2017, global average 3G
   * download speed over January-March 2017. Uplink 2.0 Mbit/s is derived, not measured: no 3G uplink
   * figure was found in the sources consulted, so the 3G downlink is scaled by the uplink/downlink ratio
   * Huang et al. measured for LTE (6/13, see {@link #LTE}). RTT 100 ms: the low end of the 100-500 ms
   * range given for 3G in I. Grigorik, "High Performance Browser Networking", O'Reilly 2013, table 7-2.
   */
  THREE_G("3g", 2.0, 4.4, 100),
  /**
   * 4G LTE. Downlink 13 Mbit/s and uplink 6 Mbit/s: medians over the 4GTest users in J. Huang et al.,
   * "A Close Examination of Performance and Power Characteristics of 4G LTE Networks", ACM MobiSys
   * 2012. RTT 53 ms: Ofcom's 2014 UK study of 4G and 3G mobile broadband (120,000 smartphone tests in
   * five cities), average 4G latency 53.1 ms.
   */
  LTE("lte", 6.0, 13.0, 53),
  /**
   * Home Wi-Fi, which reaches the cloud through the fixed line behind it. Downlink 153.80 Mbit/s,
   * uplink 21.60 Mbit/s and latency 14 ms: Ookla Speedtest Intelligence, United States fixed broadband
   * medians for Q2 2022.
   */
  WIFI("wifi", 21.6, 153.8, 14),
  /**
   * 5G. Downlink 166.13 Mbit/s and uplink 21.08 Mbit/s: Ookla, "Growing and
   * Slowing: The State of 5G Worldwide in 2021", global medians for Q3 2021. RTT 52 ms: Ookla Speedtest
   * Intelligence, United States Q4 2023, median 5G latency of the middle one of the three national
   * carriers (48, 52 and 63 ms).
   */
  FIVE_G("5g", 21.08, 166.13, 52);

  private final String label;
  private final double upMbps;
  private final double downMbps;
  private final Duration rtt;

  LinkPreset(String label, double upMbps, double downMbps, long rttMillis) {
    this.label = label;
    this.upMbps = upMbps;
    this.downMbps = downMbps;
    this.rtt = Duration.ofMillis(rttMillis);
  }

  /**
   * The preset with this label ({@code 3g}, {@code lte}, {@code wifi}, {@code 5g}), ignoring case.
   *
   * @throws IllegalArgumentException naming the known labels
   */
  public static LinkPreset named(String label) {
    for (LinkPreset preset : values()) {
      if (preset.label.equals(label.toLowerCase(Locale.ROOT))) {
        return preset;
      }
    }
    throw new IllegalArgumentException("unknown link preset '" + label + "'; known presets are "
        + Arrays.stream(values()).map(LinkPreset::label).collect(Collectors.joining(", ")));
  }

  /** The short name used on the command line. */
  public String label() {
    return label;
  }

  /** Bandwidth of one direction in Mbit/s (10^6 bit/s). */
  public double mbps(Direction direction) {
    return direction == Direction.UP ? upMbps : downMbps;
  }

  /** Round-trip time. */
  public Duration rtt() {
    return rtt;
  }
}
