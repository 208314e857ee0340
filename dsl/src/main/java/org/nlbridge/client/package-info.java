/**
 * The client API of the nlbridge daemon, shared by every front end that talks to one: the {@code nlbridge} command
 * line with {@code -H}, the daemon itself (which serves the same JSON), and the CNI and Docker plugins.
 *
 * <ul>
 *   <li>{@link org.nlbridge.client.DaemonAddress}: where a daemon listens ({@code unix:///run/nlbridge.sock},
 *       {@code tcp://HOST:PORT}), as {@code -H} takes it; {@link org.nlbridge.net.tls.Tls} (in nl-engine, shared with
 *       the etcd cluster store): the mutual TLS files a {@code tcp://} address needs.</li>
 *   <li>{@link org.nlbridge.client.RemoteEngine}: the {@code Engine} API over a daemon's socket, one request per
 *       call, plus the event stream; refusals are {@link org.nlbridge.client.DaemonException}s carrying the
 *       daemon's message and HTTP status.</li>
 *   <li>{@link org.nlbridge.client.HttpClient}: one HTTP/1.1 connection to a daemon, for the requests beyond the
 *       {@code Engine} interface; {@link org.nlbridge.client.HttpWire} is the strict message framing it shares
 *       with the daemon's server.</li>
 *   <li>{@link org.nlbridge.client.ApiJson} and {@link org.nlbridge.client.Event}: the API's JSON both ways
 *       (specs through their builders, so the API accepts exactly what the DSL accepts). {@code StatusJson} (over
 *       the small strict reader {@code JsonText}) reads the status answer and error bodies without Jackson, so that
 *       {@code nlbridge -H ... status} starts as a thin client.</li>
 * </ul>
 *
 * <p>It depends on the engine's API types ({@code org.nlbridge.spec}, {@code org.nlbridge.engine},
 * {@code org.nlbridge.net}) and Jackson only: never on the daemon, the command line or Groovy.
 */
package org.nlbridge.client;
