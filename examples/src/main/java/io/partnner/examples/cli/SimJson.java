package io.partnner.examples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.partnner.runtime.link.BandwidthTrace;
import io.partnner.runtime.link.Direction;
import io.partnner.runtime.link.LinkPreset;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.sim.LoadStep;
import io.partnner.runtime.sim.MeasuredProfile;
import io.partnner.runtime.sim.MeasuredProfile.CodecCost;
import io.partnner.runtime.sim.Scenario;
import io.partnner.runtime.sim.StrategyRun;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code --json} document of {@code bench sim} (schema in README.md, "bench sim JSON"): enough to
 * recompute every printed figure outside the project. Streamed, because a full run holds millions of numbers.
 */
final class SimJson {
  private SimJson() {}

  static void write(Path file, List<SimScenarioResult> results, int requests, long seed, double maxCodecError)
      throws IOException {
    try (OutputStream stream = Files.newOutputStream(file);
        JsonGenerator json = new JsonFactory().createGenerator(stream)) {
      json.writeStartObject();
      json.writeNumberField("requests", requests);
      json.writeNumberField("seed", seed);
      json.writeNumberField("converged_within", 1.05);
      json.writeNumberField("max_codec_error", maxCodecError);
      json.writeArrayFieldStart("strategies");
      for (String name : BenchSimCommand.STRATEGIES) {
        json.writeString(name);
      }
      json.writeEndArray();
      json.writeArrayFieldStart("scenarios");
      for (SimScenarioResult result : results) {
        scenario(json, result);
      }
      json.writeEndArray();
      json.writeEndObject();
    }
  }

  private static void scenario(JsonGenerator json, SimScenarioResult result) throws IOException {
    Scenario scenario = result.world().scenario();
    MeasuredProfile profile = scenario.profile();
    json.writeStartObject();
    json.writeStringField("model", result.model());
    json.writeStringField("device", result.device());
    json.writeNumberField("slowdown", scenario.slowdown());
    link(json, result.link(), scenario);
    json.writeObjectFieldStart("load");
    json.writeNumberField("background_service_ns", scenario.backgroundServiceNanos());
    json.writeArrayFieldStart("steps");
    for (LoadStep step : scenario.loadSteps()) {
      json.writeStartObject();
      json.writeNumberField("at_ns", step.atNanos());
      json.writeNumberField("queued", step.queuedRequests());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
    json.writeNumberField("result_bytes", profile.resultBytes());
    cuts(json, profile, scenario.slowdown());
    json.writeArrayFieldStart("candidates");
    for (Plan plan : result.world().candidatePlans()) {
      plan(json, plan);
    }
    json.writeEndArray();
    json.writeFieldName("best_static_plan");
    plan(json, result.bestStatic());
    json.writeObjectFieldStart("runs");
    for (int s = 0; s < BenchSimCommand.STRATEGIES.size(); s++) {
      json.writeFieldName(BenchSimCommand.STRATEGIES.get(s));
      run(json, result.run(s));
    }
    json.writeEndObject();
    json.writeEndObject();
  }

  private static void link(JsonGenerator json, SimLink link, Scenario scenario) throws IOException {
    json.writeObjectFieldStart("link");
    json.writeStringField("label", link.label());
    json.writeNumberField("rtt_ns", scenario.link().rtt().toNanos());
    LinkPreset preset = link.preset();
    if (preset != null) {
      json.writeStringField("kind", "preset");
      json.writeNumberField("up_mbps", preset.mbps(Direction.UP));
      json.writeNumberField("down_mbps", preset.mbps(Direction.DOWN));
    } else {
      BandwidthTrace trace = link.trace();
      json.writeStringField("kind", "trace");
      json.writeNumberField("duration_s", trace.durationSeconds());
      json.writeArrayFieldStart("rows");
      for (int row = 0; row < trace.rows(); row++) {
        double start = trace.rowStartSeconds(row);
        double end = row + 1 < trace.rows() ? trace.rowStartSeconds(row + 1) : trace.durationSeconds();
        json.writeStartArray();
        json.writeNumber(start);
        // The rate in force over the row, read mid-row as the simulator reads it.
        json.writeNumber(trace.mbpsAt((start + end) / 2));
        json.writeEndArray();
      }
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private static void cuts(JsonGenerator json, MeasuredProfile profile, double slowdown) throws IOException {
    int blocks = profile.blockCount();
    double[] prefix = new double[blocks + 1];
    for (int b = 0; b < blocks; b++) {
      prefix[b + 1] = prefix[b] + profile.blocks().get(b).meanNanos();
    }
    json.writeArrayFieldStart("cuts");
    for (int cut = 0; cut <= blocks; cut++) {
      json.writeStartObject();
      json.writeNumberField("index", cut);
      json.writeNumberField("edge_ns", slowdown * prefix[cut]);
      json.writeNumberField("cloud_ns", prefix[blocks] - prefix[cut]);
      json.writeNumberField("raw_bytes", profile.cuts().get(cut).rawBytes());
      json.writeObjectFieldStart("codecs");
      if (cut < blocks) {
        for (Map.Entry<String, CodecCost> entry : profile.cuts().get(cut).codecs().entrySet()) {
          CodecCost cost = entry.getValue();
          json.writeObjectFieldStart(entry.getKey());
          json.writeNumberField("bytes", cost.bytes());
          json.writeNumberField("encode_ns", slowdown * cost.encodeNanos());
          json.writeNumberField("decode_ns", cost.decodeNanos());
          json.writeNumberField("relative_error", cost.relativeError());
          json.writeEndObject();
        }
      }
      json.writeEndObject();
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static void run(JsonGenerator json, StrategyRun run) throws IOException {
    int n = run.requests();
    json.writeStartObject();
    json.writeStringField("name", run.strategy());
    json.writeNumberField("mean_ns", run.meanLatencyNanos());
    json.writeNumberField("p95_ns", run.p95LatencyNanos());
    json.writeNumberField("oracle_mean_ns", run.meanOracleLatencyNanos());
    json.writeArrayFieldStart("start_ns");
    for (int i = 0; i < n; i++) {
      json.writeNumber(run.startNanos(i));
    }
    json.writeEndArray();
    json.writeArrayFieldStart("cut");
    for (int i = 0; i < n; i++) {
      json.writeNumber(run.plan(i).cut());
    }
    json.writeEndArray();
    json.writeArrayFieldStart("codec");
    for (int i = 0; i < n; i++) {
      json.writeString(run.plan(i).codec());
    }
    json.writeEndArray();
    json.writeArrayFieldStart("latency_ns");
    for (int i = 0; i < n; i++) {
      json.writeNumber(run.latencyNanos(i));
    }
    json.writeEndArray();
    json.writeArrayFieldStart("fell_back");
    for (int i = 0; i < n; i++) {
      json.writeBoolean(run.fellBack(i));
    }
    json.writeEndArray();
    json.writeArrayFieldStart("true_latency_ns");
    for (int i = 0; i < n; i++) {
      json.writeNumber(run.trueLatencyNanos(i));
    }
    json.writeEndArray();
    json.writeArrayFieldStart("oracle_latency_ns");
    for (int i = 0; i < n; i++) {
      json.writeNumber(run.oracleLatencyNanos(i));
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void plan(JsonGenerator json, Plan plan) throws IOException {
    json.writeStartObject();
    json.writeNumberField("cut", plan.cut());
    json.writeStringField("codec", plan.codec());
    json.writeEndObject();
  }
}
