/**
 * The {@code flat} image backend. Empty until the plugin SPI exists; see DESIGN.md for where this backend
 * verifies the image cache.
 */
package io.imgtrust.backend.flat;
