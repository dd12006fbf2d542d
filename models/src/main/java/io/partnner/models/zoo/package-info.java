/** The built-in model zoo: the paper's six kinds of DNN, built in Java with seeded weights. */
package io.partnner.models.zoo;
