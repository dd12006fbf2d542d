package io.partnner.runtime.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.wire.EncodedTensor;
import io.partnner.runtime.wire.WireCodecs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestTableTest {
  private static final Map<String, Tensor> INPUT = Map.of("x", Tensor.ofFloats(List.of(1L, 2L), new float[] {1, 2}));
  private static final Plan SPLIT = new Plan(2, "raw");

  @Test
  void admitsUpToCapacityThenRefuses() {
    RequestTable<String> table = new RequestTable<>(2);
    assertThat(table.admit("a", INPUT, SPLIT, 0)).isPresent();
    assertThat(table.admit("b", INPUT, SPLIT, 0)).isPresent();
    assertThat(table.admit("c", INPUT, SPLIT, 0)).isEmpty();
    assertThat(table.rejected()).isEqualTo(1);
    assertThat(table.size()).isEqualTo(2);
    assertThatThrownBy(() -> new RequestTable<>(0)).hasMessageContaining("capacity must be at least 1");
  }

  @Test
  void aRequestFinishesExactlyOnceSoLateRepliesAreRecognised() {
    RequestTable<String> table = new RequestTable<>(4);
    PendingRequest<String> request = table.admit("a", INPUT, SPLIT, 0).orElseThrow();
    assertThat(table.finish(request.id())).containsSame(request);
    assertThat(table.finish(request.id())).isEmpty();
    assertThat(table.get(request.id())).isEmpty();
    assertThat(table.finished()).isEqualTo(1);
    // Its slot is free again.
    assertThat(table.admit("b", INPUT, SPLIT, 0).orElseThrow().id()).isNotEqualTo(request.id());
  }

  @Test
  void findsWhatALostExecutorHeldAndWhatIsOverdue() {
    RequestTable<String> table = new RequestTable<>(8);
    PendingRequest<String> atA = table.admit("1", INPUT, SPLIT, 0).orElseThrow();
    PendingRequest<String> atB = table.admit("2", INPUT, SPLIT, 0).orElseThrow();
    PendingRequest<String> onEdge = table.admit("3", INPUT, SPLIT, 0).orElseThrow();
    atA.sentToCloud("a", 100, 1_000);
    atB.sentToCloud("b", 100, 5_000);
    assertThat(table.heldBy("a")).containsExactly(atA);
    assertThat(table.heldBy("c")).isEmpty();
    assertThat(table.overdue(999)).isEmpty();
    assertThat(table.overdue(1_000)).containsExactly(atA);
    assertThat(table.inCloud()).isEqualTo(2);
    atA.fellBack("executor a left", 1_500);
    assertThat(atA.phase()).isEqualTo(Phase.EDGE);
    assertThat(atA.executorId()).isEmpty();
    assertThat(table.heldBy("a")).isEmpty();
    assertThat(table.overdue(10_000)).containsExactly(atB);
    assertThat(atA.fallback()).contains("executor a left");
    assertThat(onEdge.phase()).isEqualTo(Phase.EDGE);
  }

  @Test
  void latencyTermsAddUpToTheTotal() {
    RequestTable<String> table = new RequestTable<>(2);
    PendingRequest<String> request = table.admit("a", INPUT, SPLIT, 1_000).orElseThrow();
    EncodedTensor crossing = WireCodecs.byName("raw").encode(INPUT.get("x"));
    request.headDone(3_000, 500, Map.of("h", crossing), Map.of());
    request.sentToCloud("a", 5_000, 100_000);
    request.ackedAt(7_000);
    MeasuredLatency latency = request.cloudLatency(20_000, 1_000, 6_000);
    assertThat(latency.edgeNanos()).isEqualTo(3_000);
    assertThat(latency.encodeNanos()).isEqualTo(500);
    assertThat(latency.linkUpNanos()).isEqualTo(2_000);
    assertThat(latency.queueNanos()).isEqualTo(1_000);
    assertThat(latency.cloudNanos()).isEqualTo(6_000);
    assertThat(latency.linkDownNanos()).isEqualTo(20_000 - 7_000 - 1_000 - 6_000);
    assertThat(latency.totalNanos()).isEqualTo(19_000);
    assertThat(request.crossing()).containsKey("h");
  }

  @Test
  void aFallbackCountsTheTimeLostToTheCloud() {
    RequestTable<String> table = new RequestTable<>(2);
    PendingRequest<String> request = table.admit("a", INPUT, SPLIT, 0).orElseThrow();
    request.headDone(1_000, 0, Map.of(), Map.of());
    request.sentToCloud("a", 2_000, 50_000);
    request.fellBack("no answer", 52_000);
    request.edgeRan(4_000);
    MeasuredLatency latency = request.edgeLatency(57_000);
    assertThat(latency.fallbackNanos()).isEqualTo(50_000);
    assertThat(latency.edgeNanos()).isEqualTo(5_000);
    assertThat(latency.totalNanos()).isEqualTo(57_000);
    assertThat(request.cloudAttempts()).isEqualTo(1);
  }
}
