/**
 * Longest line kept in one piece, in characters; a longer line is split here. A line that has
 * not ended yet is split once this many bytes are buffered (at a UTF-8 character boundary).
 */
export const MAX_LINE_LENGTH = 16 * 1024;
