package dev.telemask.codec;

/** The ids of the AVL data codecs Telemask decodes (the byte after the data length), and how each lays out its IO. */
public enum AvlCodecId {
    /** Codec 8: 1-byte IO IDs and counts. */
    CODEC_8(0x08, "8", 1, 1, false, false),
    /** Codec 8 Extended: 2-byte IO IDs and counts, variable-length (NX) elements. */
    CODEC_8E(0x8E, "8E", 2, 2, true, false),
    /** Codec 16: 2-byte IO IDs, 1-byte counts, a generation type after the event IO ID. */
    CODEC_16(0x10, "16", 2, 1, false, true);

    private final int id;
    private final String label;
    private final int ioIdWidth;
    private final int countWidth;
    private final boolean variableLengthElements;
    private final boolean generationType;

    AvlCodecId(int id, String label, int ioIdWidth, int countWidth, boolean variableLengthElements, boolean generationType) {
        this.id = id;
        this.label = label;
        this.ioIdWidth = ioIdWidth;
        this.countWidth = countWidth;
        this.variableLengthElements = variableLengthElements;
        this.generationType = generationType;
    }

    /** The codec ID byte on the wire. */
    public int id() {
        return id;
    }

    /** The short name used in logs, metrics and the decode command ("8", "8E", "16"). */
    public String label() {
        return label;
    }

    /** Width of the event IO ID and of every IO element ID: 1 or 2 bytes. */
    public int ioIdWidth() {
        return ioIdWidth;
    }

    /** Width of the IO counts (total and per element width): 1 or 2 bytes. */
    public int countWidth() {
        return countWidth;
    }

    public boolean hasVariableLengthElements() {
        return variableLengthElements;
    }

    public boolean hasGenerationType() {
        return generationType;
    }

    /** The codec for a wire ID, or {@code null} when it is not an AVL data codec. */
    public static AvlCodecId byId(int id) {
        return switch (id) {
            case 0x08 -> CODEC_8;
            case 0x8E -> CODEC_8E;
            case 0x10 -> CODEC_16;
            default -> null;
        };
    }
}
