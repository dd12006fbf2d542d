package io.partnner.runtime.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputCheckTest {
  private static final TensorSpec X = new TensorSpec("x", DataType.FLOAT32, List.of(1L, 2L));
  private static final ModelProfile PROFILE = new ModelProfile("m", "h", List.of(X), List.of(X),
      List.of(new CutPoint(0, 0, List.of(X), true, 0), new CutPoint(1, 1, List.of(), true, 1)), List.of(1.0));

  @Test
  void acceptsTheModelsInputs() {
    assertThat(InputCheck.problem(PROFILE, Map.of("x", Tensor.ofFloats(List.of(1L, 2L), new float[2])))).isEmpty();
  }

  @Test
  void namesTheTensorAndExpectedAgainstActual() {
    assertThat(InputCheck.problem(PROFILE, Map.of())).get().asString()
        .contains("model m: input 'x' is missing; expected FLOAT32 1x2");
    assertThat(InputCheck.problem(PROFILE, Map.of("x", Tensor.ofFloats(List.of(2L, 1L), new float[2])))).get()
        .asString().contains("input 'x' should be FLOAT32 1x2, got FLOAT32 2x1");
    assertThat(InputCheck.problem(PROFILE, Map.of("x", Tensor.of(DataType.INT32, List.of(1L, 2L), ByteBuffer.allocate(8)))))
        .get().asString().contains("got INT32 1x2");
    assertThat(InputCheck.problem(PROFILE, Map.of("x", Tensor.ofFloats(List.of(1L, 2L), new float[2]),
        "y", Tensor.ofFloats(List.of(1L), new float[1])))).get().asString().contains("unknown input 'y'");
    assertThat(InputCheck.problem(PROFILE, null)).get().asString().contains("no inputs given");
  }
}
