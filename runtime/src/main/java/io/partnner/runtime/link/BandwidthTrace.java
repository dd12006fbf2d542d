package io.partnner.runtime.link;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A measured throughput trace in the {@code t_s,mbps} format of {@code ../shared/data/traces/README.md}:
 * a step function whose row {@code i} holds from its {@code t_s} until the next row's, the last row for
 * one more sample period (the median spacing of the rows), rates in 10^6 bit/s. After that the trace
 * loops or holds its last rate, as configured. Immutable.
 */
public final class BandwidthTrace {
  /** The traces shipped with the runtime for its demo; see {@code traces/README.md} beside them. */
  public static final List<String> SHIPPED =
      List.of("fcc-u8299-amazon.csv", "fcc-u665208-yahoo.csv", "hsdpa3g-bus-20100928.csv", "hsdpa3g-metro-20100913.csv");

  static final String HEADER = "t_s,mbps";
  private static final String RESOURCE_DIR = "/io/partnner/runtime/link/traces/";
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");

  private final String source;
  private final long[] startNanos;
  private final double[] mbps;
  private final long periodNanos;
  private final long durationNanos;
  private final TraceEnd end;

  private BandwidthTrace(String source, long[] startNanos, double[] mbps, long periodNanos, TraceEnd end) {
    this.source = source;
    this.startNanos = startNanos;
    this.mbps = mbps;
    this.periodNanos = periodNanos;
    this.durationNanos = startNanos[startNanos.length - 1] + periodNanos;
    this.end = end;
  }

  /**
   * Reads a trace file; it holds its last rate at the end until {@link #withEnd} says otherwise.
   *
   * @throws IllegalArgumentException naming the file (and line) when it is missing, unreadable or not
   *     a valid trace
   */
  public static BandwidthTrace read(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("trace file " + file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException("trace file " + file + ": cannot be read: " + e.getMessage());
    }
    return parse("trace file " + file, bytes);
  }

  /**
   * One of the {@link #SHIPPED} traces.
   *
   * @throws IllegalArgumentException when there is no shipped trace of that name
   */
  public static BandwidthTrace shipped(String fileName) {
    if (!SHIPPED.contains(fileName)) {
      throw new IllegalArgumentException("no shipped trace " + fileName + "; shipped traces are " + SHIPPED);
    }
    try (InputStream in = BandwidthTrace.class.getResourceAsStream(RESOURCE_DIR + fileName)) {
      if (in == null) {
        throw new IllegalStateException("shipped trace " + fileName + " is missing from the runtime jar");
      }
      return parse("shipped trace " + fileName, in.readAllBytes());
    } catch (IOException e) {
      throw new IllegalStateException("shipped trace " + fileName + " cannot be read", e);
    }
  }

  /**
   * Parses trace text; {@code source} names it in error messages (e.g. {@code "trace file x.csv"}).
   *
   * @throws IllegalArgumentException naming the source and line of the first problem
   */
  public static BandwidthTrace parse(String source, String text) {
    return parse(source, text.getBytes(StandardCharsets.UTF_8));
  }

  private static BandwidthTrace parse(String source, byte[] bytes) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(source + ": not UTF-8 text");
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException(source + ": empty; expected the header line " + HEADER + " and at least two rows");
    }
    // The format ends every line with \n, so a final newline closes the last row rather than opening an empty one.
    String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    String[] lines = body.split("\n", -1);
    checkLine(source, 1, lines[0]);
    if (!lines[0].equals(HEADER)) {
      throw new IllegalArgumentException(source + " line 1: header must be exactly " + HEADER + ", found '" + abbreviate(lines[0]) + "'");
    }
    int rows = lines.length - 1;
    if (rows < 2) {
      throw new IllegalArgumentException(source + ": has " + rows + " row" + (rows == 1 ? "" : "s")
          + "; a trace needs at least two, since its last row holds for one sample period and the period is the spacing of the rows");
    }
    long[] starts = new long[rows];
    double[] rates = new double[rows];
    for (int i = 0; i < rows; i++) {
      int lineNumber = i + 2;
      String line = lines[i + 1];
      checkLine(source, lineNumber, line);
      if (line.isEmpty()) {
        throw new IllegalArgumentException(source + " line " + lineNumber + ": empty line");
      }
      String[] fields = line.split(",", -1);
      if (fields.length != 2) {
        throw new IllegalArgumentException(source + " line " + lineNumber + ": expected 2 comma-separated fields t_s,mbps, found " + fields.length);
      }
      double seconds = number(source, lineNumber, "t_s", fields[0]);
      double rate = number(source, lineNumber, "mbps", fields[1]);
      if (i == 0 && seconds != 0) {
        throw new IllegalArgumentException(source + " line " + lineNumber + ": the first row must be at t_s 0, found " + fields[0]);
      }
      long nanos = Math.round(seconds * 1e9);
      if (i > 0 && nanos <= starts[i - 1]) {
        throw new IllegalArgumentException(source + " line " + lineNumber + ": t_s " + fields[0]
            + " does not increase (the row before is at " + lines[i].split(",", -1)[0] + ")");
      }
      if (rate < 0) {
        throw new IllegalArgumentException(source + " line " + lineNumber + ": mbps " + fields[1] + " is negative");
      }
      starts[i] = nanos;
      rates[i] = rate;
    }
    return new BandwidthTrace(source, starts, rates, medianStep(starts), TraceEnd.HOLD);
  }

  private static void checkLine(String source, int lineNumber, String line) {
    if (line.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(source + " line " + lineNumber + ": carriage return; trace files use \\n line ends");
    }
  }

  private static double number(String source, int lineNumber, String column, String field) {
    if (!DECIMAL.matcher(field).matches()) {
      throw new IllegalArgumentException(source + " line " + lineNumber + ": " + column + " '" + abbreviate(field) + "' is not a number");
    }
    double value = Double.parseDouble(field);
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(source + " line " + lineNumber + ": " + column + " " + field + " is out of range");
    }
    return value;
  }

  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 37) + "...";
  }

  private static long medianStep(long[] starts) {
    long[] steps = new long[starts.length - 1];
    for (int i = 1; i < starts.length; i++) {
      steps[i - 1] = starts[i] - starts[i - 1];
    }
    Arrays.sort(steps);
    // The lower middle keeps the period one of the trace's own spacings.
    return steps[(steps.length - 1) / 2];
  }

  /** The same trace with another end behaviour. */
  public BandwidthTrace withEnd(TraceEnd newEnd) {
    Objects.requireNonNull(newEnd, "end");
    return newEnd == end ? this : new BandwidthTrace(source, startNanos, mbps, periodNanos, newEnd);
  }

  /** Where the trace came from, as used in messages (e.g. {@code "trace file x.csv"}). */
  public String source() {
    return source;
  }

  /** What the trace does after its last sample period. */
  public TraceEnd end() {
    return end;
  }

  /** Number of rows. */
  public int rows() {
    return mbps.length;
  }

  /** Sample period in seconds: the median spacing of the rows, for which the last row holds. */
  public double periodSeconds() {
    return periodNanos / 1e9;
  }

  /** Duration in seconds: last {@code t_s} plus one sample period. */
  public double durationSeconds() {
    return durationNanos / 1e9;
  }

  /**
   * When row {@code row} starts, in seconds from the start of the trace (for finding the steps a
   * simulation must adapt to).
   *
   * @throws IndexOutOfBoundsException for a row outside {@code [0, rows())}
   */
  public double rowStartSeconds(int row) {
    return startNanos[Objects.checkIndex(row, startNanos.length)] / 1e9;
  }

  /** Time-weighted mean rate over one pass of the trace, in Mbit/s. */
  public double meanMbps() {
    double megabits = 0;
    for (int i = 0; i < mbps.length; i++) {
      megabits += mbps[i] * (stepEndNanos(i) - startNanos[i]) / 1e9;
    }
    return megabits / (durationNanos / 1e9);
  }

  /**
   * The rate of the step in force {@code seconds} after the start of the trace, in Mbit/s.
   *
   * @throws IllegalArgumentException for a negative or non-finite time
   */
  public double mbpsAt(double seconds) {
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException("time " + seconds + " s is not a time since the start of " + source);
    }
    // A cast saturates, so times beyond a long of nanoseconds land on the last step or loop like any other.
    return mbps[stepAt((long) Math.floor(seconds * 1e9))];
  }

  long durationNanos() {
    return durationNanos;
  }

  int stepCount() {
    return mbps.length;
  }

  long stepStartNanos(int step) {
    return startNanos[step];
  }

  long stepEndNanos(int step) {
    return step + 1 < startNanos.length ? startNanos[step + 1] : durationNanos;
  }

  double stepMbps(int step) {
    return mbps[step];
  }

  /** The step in force at a time within one pass, or, past the end, after looping or holding. */
  int stepAt(long nanos) {
    long local = nanos;
    if (nanos >= durationNanos) {
      if (end == TraceEnd.HOLD) {
        return mbps.length - 1;
      }
      local = nanos % durationNanos;
    }
    int found = Arrays.binarySearch(startNanos, local);
    return found >= 0 ? found : -found - 2;
  }

  @Override
  public String toString() {
    return source + " (" + mbps.length + " rows, " + durationSeconds() + " s, " + end.name().toLowerCase() + " at the end)";
  }
}
