package io.partnner.models.zoo;

/** The width and resolution rule shared by every zoo model (see {@link ModelZoo}). */
final class Scaling {

    private final double scale;

    Scaling(double scale) {
        this.scale = scale;
    }

    /**
     * Channel count for a layer that has {@code full} channels at scale 1. Multiples of 8 keep
     * vectorised kernels on their fast path; every full-size width in the zoo already is one, so
     * scale 1 reproduces the paper exactly.
     */
    int channels(int full) {
        return Math.max(8, 8 * (int) Math.round(full * scale / 8.0));
    }

    /**
     * Input side for a model whose full-size input side is {@code full}; a multiple of 32 so that
     * every stride-2 stage divides evenly, and at least {@code minimum} so no layer shrinks to
     * nothing.
     */
    int resolution(int full, int minimum) {
        return Math.max(minimum, 32 * (int) Math.round(full * scale / 32.0));
    }
}
