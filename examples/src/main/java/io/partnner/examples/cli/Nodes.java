package io.partnner.examples.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.partnner.actors.EdgeGateway;
import io.partnner.actors.Partnner;
import io.partnner.actors.PartnnerNode;
import io.partnner.models.OrtModelLoader;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;

/** Starting partnner nodes from the command line: configs per role, in-process cloud nodes, cloud node processes. */
final class Nodes {
  private Nodes() {}

  /** The edge role's config with {@code overrides} (keys such as {@code partnner.edge.link}) on top. */
  static Config edgeConfig(Map<String, Object> overrides) {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load("partnner-edge"));
  }

  /** The cloud role's config with {@code overrides} on top. */
  static Config cloudConfig(Map<String, Object> overrides) {
    ConfigFactory.invalidateCaches();
    return ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load("partnner-cloud"));
  }

  /** Overrides for a node on {@code port} (0: any free port). */
  static Map<String, Object> port(int port) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("pekko.remote.artery.canonical.port", port);
    return overrides;
  }

  /** {@code pekko://partnner@HOST:PORT} for {@code HOST:PORT} (or a full address, as given). */
  static String address(String seed) {
    if (seed.startsWith("pekko://")) {
      return seed;
    }
    int colon = seed.lastIndexOf(':');
    if (colon <= 0 || colon == seed.length() - 1) {
      throw new CommandFailure("--seed '" + seed + "': expected HOST:PORT, e.g. 127.0.0.1:25520");
    }
    try {
      Integer.parseInt(seed.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new CommandFailure("--seed '" + seed + "': port '" + seed.substring(colon + 1) + "' is not a number");
    }
    return "pekko://" + Partnner.SYSTEM_NAME + "@" + seed;
  }

  /** A cloud node in this process that joins {@code seed}. */
  static ActorSystem<PartnnerNode.Command> startCloud(String seed, Map<String, Object> overrides) {
    Map<String, Object> all = port(0);
    all.putAll(overrides);
    return Partnner.startCloud(new OrtModelLoader(), cloudConfig(all), Optional.of(address(seed)));
  }

  /** A cloud node as its own JVM (this one's class path), joining {@code seed}; its output goes to {@code log}. */
  static Process spawnCloud(String seed, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx2g");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of("node", "--role", "cloud", "--port", "0", "--seed", seed));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return builder.start();
  }

  /** Waits until the edge's gateway sees {@code count} cloud executors, or fails after {@code timeout}. */
  static void awaitExecutors(Partnner edge, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = -1;
    while (System.nanoTime() < deadline) {
      EdgeGateway.Stats stats = edge.stats().toCompletableFuture().join();
      seen = stats.executors();
      if (seen >= count) {
        return;
      }
      // Polling the gateway (a cheap ask) is the only way to learn this from outside the actors.
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
    throw new CommandFailure("only " + seen + " of " + count + " cloud executors came up within " + timeout.toSeconds()
        + " s");
  }

  static void stop(ActorSystem<?> system) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new CommandFailure("a node did not stop within 30 s: " + e);
    }
  }

}
