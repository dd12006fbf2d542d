package io.partnner.runtime.serve;

import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.tensor.Tensor;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Checks a request's inputs against the model's: every input present, no unknown one, dtype and shape equal. */
public final class InputCheck {
  private InputCheck() {}

  /** The problem with {@code inputs}, naming the model, the tensor and expected against actual; empty when fine. */
  public static Optional<String> problem(ModelProfile profile, Map<String, Tensor> inputs) {
    if (inputs == null) {
      return Optional.of("model " + profile.modelName() + ": no inputs given");
    }
    for (TensorSpec spec : profile.inputs()) {
      Tensor given = inputs.get(spec.name());
      if (given == null) {
        return Optional.of("model " + profile.modelName() + ": input '" + spec.name() + "' is missing; expected "
            + spec.dataType() + " " + spec.shapeText() + ", got inputs " + new TreeSet<>(inputs.keySet()));
      }
      if (given.dataType() != spec.dataType() || !given.shape().equals(spec.shape())) {
        return Optional.of("model " + profile.modelName() + ": input '" + spec.name() + "' should be "
            + spec.dataType() + " " + spec.shapeText() + ", got " + given.dataType() + " "
            + new TensorSpec(spec.name(), given.dataType(), given.shape()).shapeText());
      }
    }
    for (String name : inputs.keySet()) {
      if (profile.inputs().stream().noneMatch(spec -> spec.name().equals(name))) {
        return Optional.of("model " + profile.modelName() + ": unknown input '" + name + "'; the model's inputs are "
            + profile.inputs().stream().map(TensorSpec::name).toList());
      }
    }
    return Optional.empty();
  }
}
