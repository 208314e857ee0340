package org.nlbridge.netlink;

/**
 * A {@link MsgWriter} ran out of room. The writer has already dropped the message it was writing and stands at
 * the end of the last complete one, so whatever owns the buffer can send what is there and encode again.
 */
public class BufferFullException extends RuntimeException {
    private final long needed;
    private final long capacity;

    public BufferFullException(long offset, long needed, long capacity) {
        super("netlink buffer full: " + needed + " more bytes at offset " + offset + " do not fit in its "
                + capacity + " bytes");
        this.needed = needed;
        this.capacity = capacity;
    }

    /** Bytes the failed put asked for. */
    public long needed() {
        return needed;
    }

    /** Size of the writer's buffer. */
    public long capacity() {
        return capacity;
    }
}
