/**
 * Everything ONNX: importing a model, its graph and candidate cuts, splitting it into head, tail and
 * block pieces, measuring tensors with ONNX Runtime, and checking that the pieces compose exactly.
 */
package io.partnner.models;
