package org.nlbridge.netlink;

/**
 * An nftables transaction outgrew what one datagram can carry (the socket's send limit) or what the receive queue
 * can hold in acks. Nothing was sent and the transaction was discarded: raise {@code SO_SNDBUF} / {@code SO_RCVBUF}
 * or split the change into several transactions.
 */
public class TransactionTooLargeException extends RuntimeException {
    public TransactionTooLargeException(String message) {
        super(message);
    }
}
