package io.partnner.actors;

import com.typesafe.config.Config;
import io.partnner.runtime.exec.DeviceProfile;
import io.partnner.runtime.exec.ExecutorSettings;
import io.partnner.runtime.plan.PlannerSettings;
import java.time.Duration;

/**
 * Everything the actor runtime reads from config (namespace {@code partnner}, defaults and comments in the
 * module's {@code reference.conf}), read once; the actors and the core objects never see a {@code Config}.
 *
 * @param maxInFlight requests the gateway holds at once before it answers "overloaded"
 * @param cloudDeadline how long a request may stay with a cloud executor before the edge takes it back
 * @param maxCloudAttempts cloud executors a request may be sent to before the edge finishes it
 * @param queueCapacity requests a cloud executor queues before it refuses more
 * @param serviceWeight weight of the newest service time in an executor's reported mean
 * @param loadPollInterval how often the cloud-load monitor polls every executor
 * @param device the emulated edge device (DESIGN section 7; {@code x1} is the machine itself)
 * @param link the emulated link: {@code none}, a preset ({@code 3g}, {@code lte}, {@code wifi}, {@code 5g}) or a trace file
 * @param traceRtt round-trip time of a trace link
 * @param maxModelBytes largest model a cloud host fetches
 * @param chunkTimeout how long a cloud host waits for one model chunk
 * @param executor ONNX Runtime executor settings (intra-op threads)
 * @param bulk the bulk lane: crossing tensors from a threshold on travel beside Artery, over plain TCP
 * @param host this node's canonical host name, where its bulk lane listens
 * @param strategy {@code partnner}, or a baseline: {@code edge-only}, {@code cloud-only}, {@code fixed:K}
 * @param planner the planner's settings
 */
public record PartnnerSettings(
    int maxInFlight,
    Duration cloudDeadline,
    int maxCloudAttempts,
    int queueCapacity,
    double serviceWeight,
    Duration loadPollInterval,
    DeviceProfile device,
    String link,
    Duration traceRtt,
    long maxModelBytes,
    Duration chunkTimeout,
    ExecutorSettings executor,
    BulkSettings bulk,
    String host,
    String strategy,
    PlannerSettings planner) {

  /** Reads {@code partnner.*}; a bad value fails with the key and the reason. */
  public static PartnnerSettings fromConfig(Config config) {
    Config p = config.getConfig("partnner");
    PlannerSettings d = PlannerSettings.DEFAULT;
    Config plan = p.getConfig("planner");
    PlannerSettings planner = new PlannerSettings(plan.getDouble("max-codec-error"),
        plan.getDouble("switch-gain-relative"), plan.getDuration("switch-gain-absolute"), d.linkChangeRelative(),
        d.loadChangeRelative(), d.loadChangeAbsolute(), d.profileChangeRelative(), plan.getDouble("exploration-share"),
        plan.getDouble("exploration-max-penalty"), d.staleAfter(), plan.getDouble("prior-uplink-mbps"),
        plan.getDouble("prior-downlink-mbps"), plan.getDuration("prior-rtt"), d.blockTimes(), d.flopsPrior(), d.link(),
        d.probes(), d.cloudLoad());
    int rangeSessions = p.getInt("executor.range-sessions");
    int rangeSessionUses = p.getInt("executor.range-session-uses");
    if (rangeSessions < 0) {
      throw new IllegalArgumentException("partnner.executor.range-sessions must be >= 0, got " + rangeSessions);
    }
    positive("partnner.executor.range-session-uses", rangeSessionUses);
    ExecutorSettings executor = ExecutorSettings.defaults().withIntraOpThreads(p.getInt("executor.intra-op-threads"))
        .withRangeSessions(rangeSessions, rangeSessionUses);
    PartnnerSettings settings = new PartnnerSettings(
        p.getInt("gateway.max-in-flight"),
        p.getDuration("gateway.cloud-deadline"),
        p.getInt("gateway.max-cloud-attempts"),
        p.getInt("executor.queue-capacity"),
        p.getDouble("executor.service-weight"),
        p.getDuration("load-monitor.poll-interval"),
        DeviceProfile.parse(p.getString("edge.device")),
        p.getString("edge.link"),
        p.getDuration("edge.trace-rtt"),
        p.getBytes("cloud.max-model-bytes"),
        p.getDuration("cloud.chunk-timeout"),
        executor,
        new BulkSettings(p.getBoolean("bulk.enabled") ? p.getBytes("bulk.threshold") : -1, p.getInt("bulk.port"),
            p.getDuration("bulk.ttl"), p.getBytes("bulk.max-held"), p.getDuration("bulk.timeout"),
            p.getBytes("wire.max-tensor-bytes"), p.getBytes("wire.receive-buffer-bytes")),
        config.getString("pekko.remote.artery.canonical.hostname"),
        plan.getString("strategy"),
        planner);
    return settings;
  }

  public PartnnerSettings {
    positive("partnner.gateway.max-in-flight", maxInFlight);
    positive("partnner.gateway.max-cloud-attempts", maxCloudAttempts);
    positive("partnner.executor.queue-capacity", queueCapacity);
    if (!(serviceWeight > 0 && serviceWeight <= 1)) {
      throw new IllegalArgumentException("partnner.executor.service-weight must be in (0, 1], got " + serviceWeight);
    }
    positive("partnner.gateway.cloud-deadline", cloudDeadline);
    positive("partnner.load-monitor.poll-interval", loadPollInterval);
    positive("partnner.cloud.chunk-timeout", chunkTimeout);
    if (maxModelBytes < 1 || maxModelBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("partnner.cloud.max-model-bytes must be in 1.." + (Integer.MAX_VALUE - 8)
          + ", got " + maxModelBytes);
    }
  }

  /**
   * The bulk lane ({@code partnner.bulk}): crossings of {@code threshold} bytes or more go from the edge to the cloud
   * executor's node over plain TCP beside Artery, in one frame with the request itself.
   *
   * @param threshold crossings of at least this many bytes take the lane; negative: the lane is off
   * @param port where a cloud node's lane listens, on its canonical host (0: any free port)
   * @param ttl how long a received frame counts against {@code maxHeld} before its executor has taken it on
   * @param maxHeld most bytes a cloud node holds, and an edge queues for sending, at once
   * @param timeout longest connect, write or read without progress, or wait for an acknowledgement
   * @param maxTensorBytes largest tensor a frame may carry ({@code partnner.wire.max-tensor-bytes})
   * @param receiveBufferBytes idle arrays a cloud node keeps for received payloads
   *     ({@code partnner.wire.receive-buffer-bytes})
   */
  public record BulkSettings(long threshold, int port, Duration ttl, long maxHeld, Duration timeout,
      long maxTensorBytes, long receiveBufferBytes) {
    public BulkSettings {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("partnner.bulk.port must be in 0..65535, got " + port);
      }
      positive("partnner.bulk.ttl", ttl);
      positive("partnner.bulk.timeout", timeout);
      if (maxHeld < 1) {
        throw new IllegalArgumentException("partnner.bulk.max-held must be at least 1 byte, got " + maxHeld);
      }
      if (receiveBufferBytes < 0) {
        throw new IllegalArgumentException("partnner.wire.receive-buffer-bytes must not be negative, got "
            + receiveBufferBytes);
      }
      if (maxTensorBytes < 1 || maxTensorBytes > Integer.MAX_VALUE - 64) {
        throw new IllegalArgumentException("partnner.wire.max-tensor-bytes must be in 1.." + (Integer.MAX_VALUE - 64)
            + ", got " + maxTensorBytes);
      }
    }

    /** True unless the lane is switched off. */
    public boolean enabled() {
      return threshold >= 0;
    }
  }

  /** These settings with another emulated device. */
  public PartnnerSettings withDevice(DeviceProfile newDevice) {
    return new PartnnerSettings(maxInFlight, cloudDeadline, maxCloudAttempts, queueCapacity, serviceWeight,
        loadPollInterval, newDevice, link, traceRtt, maxModelBytes, chunkTimeout, executor, bulk, host, strategy, planner);
  }

  /** These settings with another strategy. */
  public PartnnerSettings withStrategy(String newStrategy) {
    return new PartnnerSettings(maxInFlight, cloudDeadline, maxCloudAttempts, queueCapacity, serviceWeight,
        loadPollInterval, device, link, traceRtt, maxModelBytes, chunkTimeout, executor, bulk, host, newStrategy, planner);
  }

  /** These settings with another emulated link. */
  public PartnnerSettings withLink(String newLink) {
    return new PartnnerSettings(maxInFlight, cloudDeadline, maxCloudAttempts, queueCapacity, serviceWeight,
        loadPollInterval, device, newLink, traceRtt, maxModelBytes, chunkTimeout, executor, bulk, host, strategy, planner);
  }

  EdgeGateway.GatewaySettings gateway() {
    return new EdgeGateway.GatewaySettings(maxInFlight, cloudDeadline, maxCloudAttempts, bulk.threshold());
  }

  CloudHost.CloudSettings cloud() {
    return new CloudHost.CloudSettings(maxModelBytes, chunkTimeout, queueCapacity, serviceWeight, executor);
  }

  private static void positive(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + value);
    }
  }

  private static void positive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
  }
}
