/**
 * The {@code ploop} image backend ({@code images_type = ploop}): an instance disk is the directory
 * {@code <instances_path>/<instance>/disk.ploop/} holding {@code root.hds} and the ploop {@code DiskDescriptor.xml},
 * imported from the image cache while the copy is verified against the entry's sealed record.
 *
 * <p>{@code [ploop] format} (Nova's {@code pcs_format}) picks the layout of {@code root.hds}: {@code expanded} (the
 * default) writes a Parallels/ploop v2 image in which all-zero 1 MiB clusters stay unallocated; {@code raw} writes the
 * bytes as a sparse raw file. Only {@link io.imgtrust.backend.ploop.PloopBackendProvider} and
 * {@link io.imgtrust.backend.ploop.PloopBackend} are public; the image writer and the descriptor are package-private.
 */
package io.imgtrust.backend.ploop;
