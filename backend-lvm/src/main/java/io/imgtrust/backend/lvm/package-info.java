/**
 * The {@code lvm} image backend ({@code images_type = lvm}): an instance disk is the logical volume
 * {@code <instance>_<disk>} in {@code [libvirt] images_volume_group}, written from the image cache while the copy is
 * verified against the entry's sealed record, through lvm2's command line. Only
 * {@link io.imgtrust.backend.lvm.LvmBackendProvider} and {@link io.imgtrust.backend.lvm.LvmBackend} are public.
 */
package io.imgtrust.backend.lvm;
