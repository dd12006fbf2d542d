package io.partnner.runtime.exec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which ranges of blocks an executor runs as one session of their own. A range the planner keeps using (the
 * head or tail of the plan in force, or the whole model on the edge) is worth a session: ONNX Runtime then
 * fuses and lays out across what would be piece boundaries, and one call replaces several. A session
 * duplicates its blocks' weights, so only ranges used in at least {@code uses} of the last {@code 4 x uses}
 * runs get one (an explored neighbour, a few percent of runs, never does), and at most {@code capacity}
 * are kept; the least recently used goes first.
 */
public final class HotRanges {
  /** What to do with one run of a range. */
  public enum Use {
    /** Its session is ready: run the range as one session. */
    AS_ONE,
    /** It just became hot: start building its session, and run this one in pieces. */
    BUILD,
    /** Run it in pieces. */
    PIECES
  }

  private final int capacity;
  private final int uses;
  private final int window;
  private final ArrayDeque<Long> recent = new ArrayDeque<>();
  private final Map<Long, Integer> counts = new HashMap<>();
  /** Ranges with a session, least recently used first. */
  private final LinkedHashSet<Long> ready = new LinkedHashSet<>();
  private final Set<Long> building = new HashSet<>();
  private final Set<Long> refused = new HashSet<>();
  /** Ranges whose session was given up for a more recently used one. */
  private final Set<Long> dropped = new HashSet<>();

  /**
   * Keeps sessions for at most {@code capacity} ranges (0: none), each used in at least {@code uses} of the last
   * {@code 4 x uses} runs.
   */
  public HotRanges(int capacity, int uses) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
    }
    if (uses < 1) {
      throw new IllegalArgumentException("uses must be >= 1, got " + uses);
    }
    this.capacity = capacity;
    this.uses = uses;
    this.window = 4 * uses;
  }

  /** Counts one run of blocks {@code [fromCut, toCut)} and says how to run it. */
  public synchronized Use use(int fromCut, int toCut) {
    long key = key(fromCut, toCut);
    recent.addLast(key);
    counts.merge(key, 1, Integer::sum);
    if (recent.size() > window) {
      counts.computeIfPresent(recent.removeFirst(), (range, count) -> count == 1 ? null : count - 1);
    }
    if (ready.remove(key)) {
      ready.add(key);
      return Use.AS_ONE;
    }
    if (capacity == 0 || building.contains(key) || refused.contains(key) || counts.get(key) < uses) {
      return Use.PIECES;
    }
    building.add(key);
    dropped.remove(key);
    return Use.BUILD;
  }

  /**
   * The session of {@code [fromCut, toCut)} is ready. Returns the ranges whose sessions are no longer kept, as
   * {@code {fromCut, toCut}} pairs: the least recently used beyond the capacity.
   */
  public synchronized List<int[]> built(int fromCut, int toCut) {
    long key = key(fromCut, toCut);
    building.remove(key);
    ready.remove(key);
    ready.add(key);
    List<int[]> gone = new ArrayList<>();
    for (Iterator<Long> oldest = ready.iterator(); ready.size() > capacity && oldest.hasNext(); ) {
      long range = oldest.next();
      if (range != key) {
        oldest.remove();
        dropped.add(range);
        gone.add(new int[] {(int) (range >>> 32), (int) range});
      }
    }
    return gone;
  }

  /** The session of {@code [fromCut, toCut)} could not be built: the range runs in pieces from now on. */
  public synchronized void refused(int fromCut, int toCut) {
    long key = key(fromCut, toCut);
    building.remove(key);
    refused.add(key);
  }

  /** True when {@code [fromCut, toCut)} has a session kept for it. */
  public synchronized boolean isReady(int fromCut, int toCut) {
    return ready.contains(key(fromCut, toCut));
  }

  /**
   * True when a session of {@code [fromCut, toCut)} is worth keeping: it is kept for the range, being built, or
   * the range ran lately and was not dropped for another (a session made for it anyway, say to price a
   * calibration, may soon be wanted).
   */
  public synchronized boolean isKept(int fromCut, int toCut) {
    long key = key(fromCut, toCut);
    return ready.contains(key) || building.contains(key) || (counts.containsKey(key) && !dropped.contains(key));
  }

  private static long key(int fromCut, int toCut) {
    return ((long) fromCut << 32) | toCut;
  }
}
