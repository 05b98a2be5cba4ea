package io.imgtrust.core.config;

/** An option of a configuration file, by section and name, whatever its value. Immutable. */
record OptionRef(String section, String name) {}
