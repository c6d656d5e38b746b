/** What S3 accepts for copies: CopyObject up to 5 GiB, multipart parts of 5 MiB to 5 GiB, at most 10,000 of them. */
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

export const MAX_COPY_OBJECT_BYTES = 5 * GIB;
export const MIN_PART_SIZE = 5 * MIB;
export const MAX_PART_SIZE = 5 * GIB;
export const MAX_PARTS = 10_000;
