package io.partnner.runtime.sim;

import io.partnner.runtime.sim.MeasuredProfile.BlockTiming;
import io.partnner.runtime.sim.MeasuredProfile.CodecCost;
import io.partnner.runtime.sim.MeasuredProfile.CutCost;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text form of a {@link MeasuredProfile}: one record per line, space-separated, names URL-encoded
 * so a line never breaks, numbers written so they read back exactly. Lines:
 *
 * <pre>
 * partnner-measured-profile 1
 * model NAME
 * hash HASH
 * runs N
 * result-bytes R
 * block MEAN_NS STD_NS          one per block, in order
 * cut RAW_BYTES                 one per cut, in order, each followed by its codecs
 * codec NAME BYTES ENCODE_NS DECODE_NS RELATIVE_ERROR
 * end
 * </pre>
 */
final class ProfileFormat {
  static final String MAGIC = "partnner-measured-profile 1";

  private ProfileFormat() {}

  static void write(MeasuredProfile profile, Path file) throws IOException {
    StringBuilder text = new StringBuilder(MAGIC).append('\n');
    text.append("model ").append(escape(profile.modelName())).append('\n');
    text.append("hash ").append(escape(profile.contentHash())).append('\n');
    text.append("runs ").append(profile.runs()).append('\n');
    text.append("result-bytes ").append(profile.resultBytes()).append('\n');
    for (BlockTiming block : profile.blocks()) {
      text.append("block ").append(block.meanNanos()).append(' ').append(block.stdNanos()).append('\n');
    }
    for (CutCost cut : profile.cuts()) {
      text.append("cut ").append(cut.rawBytes()).append('\n');
      for (Map.Entry<String, CodecCost> entry : cut.codecs().entrySet()) {
        CodecCost cost = entry.getValue();
        text.append("codec ").append(escape(entry.getKey())).append(' ').append(cost.bytes()).append(' ')
            .append(cost.encodeNanos()).append(' ').append(cost.decodeNanos()).append(' ')
            .append(cost.relativeError()).append('\n');
      }
    }
    text.append("end\n");
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    // Written beside and moved into place, so a reader never sees half a profile.
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.writeString(partial, text, StandardCharsets.UTF_8);
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static MeasuredProfile read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Parser parser = new Parser("measured profile " + file, lines);
    return parser.parse();
  }

  private static String escape(String text) {
    return text.isEmpty() ? "%" : URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String unescape(String text) {
    return text.equals("%") ? "" : URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  /** Reads the lines in order, naming the line of any problem. */
  private static final class Parser {
    private final String source;
    private final List<String> lines;
    private int next;

    Parser(String source, List<String> lines) {
      this.source = source;
      this.lines = lines;
    }

    MeasuredProfile parse() {
      if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
        throw new IllegalArgumentException(source + " line 1: expected '" + MAGIC + "'");
      }
      next = 1;
      String model = unescape(field("model", 1)[0]);
      String hash = unescape(field("hash", 1)[0]);
      int runs = (int) integer(field("runs", 1)[0]);
      long resultBytes = integer(field("result-bytes", 1)[0]);
      List<BlockTiming> blocks = new ArrayList<>();
      while (peek("block")) {
        String[] values = field("block", 2);
        double mean = decimal(values[0]);
        double std = decimal(values[1]);
        blocks.add(check(() -> new BlockTiming(mean, std)));
      }
      List<CutCost> cuts = new ArrayList<>();
      while (peek("cut")) {
        long raw = integer(field("cut", 1)[0]);
        int cutLine = next;
        Map<String, CodecCost> codecs = new LinkedHashMap<>();
        while (peek("codec")) {
          String[] values = field("codec", 5);
          long bytes = integer(values[1]);
          double encode = decimal(values[2]);
          double decode = decimal(values[3]);
          double error = decimal(values[4]);
          CodecCost cost = check(() -> new CodecCost(bytes, encode, decode, error));
          if (codecs.put(unescape(values[0]), cost) != null) {
            throw problemOnLast("codec " + unescape(values[0]) + " appears twice for one cut");
          }
        }
        if (codecs.isEmpty()) {
          throw new IllegalArgumentException(source + " line " + cutLine + ": cut has no codec lines after it");
        }
        cuts.add(new CutCost(raw, codecs));
      }
      field("end", 0);
      if (next != lines.size()) {
        throw problem("unexpected text after 'end'");
      }
      try {
        return new MeasuredProfile(model, hash, runs, blocks, cuts, resultBytes);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
      }
    }

    private <T> T check(java.util.function.Supplier<T> make) {
      try {
        return make.get();
      } catch (IllegalArgumentException e) {
        throw problemOnLast(e.getMessage());
      }
    }

    private boolean peek(String key) {
      return next < lines.size() && lines.get(next).startsWith(key + " ");
    }

    private String[] field(String key, int count) {
      if (next >= lines.size()) {
        throw new IllegalArgumentException(source + ": ends early; expected a '" + key + "' line (truncated file?)");
      }
      String[] parts = lines.get(next).split(" ", -1);
      if (!parts[0].equals(key) || parts.length != count + 1) {
        throw problem("expected '" + key + "' with " + count + " value" + (count == 1 ? "" : "s") + ", found '"
            + abbreviate(lines.get(next)) + "'");
      }
      next++;
      String[] values = new String[count];
      System.arraycopy(parts, 1, values, 0, count);
      return values;
    }

    /** Parses a value of the line just read. */
    private long integer(String text) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw problemOnLast("'" + abbreviate(text) + "' is not an integer");
      }
    }

    /** Parses a value of the line just read. */
    private double decimal(String text) {
      try {
        return Double.parseDouble(text);
      } catch (NumberFormatException e) {
        throw problemOnLast("'" + abbreviate(text) + "' is not a number");
      }
    }

    private IllegalArgumentException problem(String what) {
      return new IllegalArgumentException(source + " line " + (next + 1) + ": " + what);
    }

    private IllegalArgumentException problemOnLast(String what) {
      return new IllegalArgumentException(source + " line " + next + ": " + what);
    }

    private static String abbreviate(String text) {
      return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
  }
}
