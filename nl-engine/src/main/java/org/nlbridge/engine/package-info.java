/**
 * The engine API ({@link org.nlbridge.engine.Engine}, opened through {@link org.nlbridge.engine.Engines}) and the
 * orchestration above the drivers: the desired state turned into steps ({@code Planner}: networks, container
 * records, namespaces, endpoints and their journal, files, user rules), run in order and in batches
 * ({@code Executor}), status, reconcile after a crash, and what the engine owns. Front ends use only this package
 * and the specs.
 */
package org.nlbridge.engine;
