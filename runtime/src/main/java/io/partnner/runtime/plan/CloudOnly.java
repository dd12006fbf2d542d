package io.partnner.runtime.plan;

import io.partnner.runtime.link.Direction;
import io.partnner.runtime.link.Probe;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.time.Ticker;
import io.partnner.runtime.wire.WireCodecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Baseline: the model's input goes to the cloud as it is, with whichever lossless codec (raw or lz4)
 * moves it fastest at the bandwidth measured from its transfers.
 */
public final class CloudOnly implements Strategy, LinkProbing {
  private final LatencyModel model;
  private final LinkView link;
  private final List<Integer> choices = new ArrayList<>();
  private final double[] zeros;
  private Plan plan;

  /** Cloud-only for {@code profile}, choosing among the lossless codecs {@code sizes} has at cut 0. */
  public CloudOnly(ModelProfile profile, CodecSizes sizes, PlannerSettings settings, Ticker ticker) {
    this.model = new LatencyModel(profile, sizes, 0);
    this.link = new LinkView(settings, ticker);
    for (int i = model.firstOf(0); i < model.firstOf(1); i++) {
      if (!WireCodecs.byName(model.plan(i).codec()).lossy()) {
        choices.add(i);
      }
    }
    this.zeros = new double[profile.blockCount()];
    choose();
  }

  @Override
  public String name() {
    return "cloud-only";
  }

  @Override
  public Plan plan(long nowNanos) {
    return plan;
  }

  @Override
  public void observe(Observation observation) {
    if (observation instanceof Observation.TransferTimed transfer) {
      link.record(transfer);
      choose();
    }
  }

  @Override
  public Optional<Probe> pollProbe(Direction direction, long nowNanos) {
    return link.pollProbe(direction, nowNanos);
  }

  private void choose() {
    // Only the link and codec terms differ between codecs at one cut, so block times can be left out.
    Conditions conditions = new Conditions(zeros, zeros, link.uplinkMbps(), link.downlinkMbps(), link.rttNanos(), 0);
    int best = choices.get(0);
    for (int choice : choices) {
      if (model.total(choice, conditions) < model.total(best, conditions)) {
        best = choice;
      }
    }
    plan = model.plan(best);
  }
}
