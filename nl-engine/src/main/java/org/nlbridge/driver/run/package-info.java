/**
 * Running a command as a container of {@code nlbridge run}: {@link org.nlbridge.driver.run.NetnsLauncher} starts it
 * in a network namespace with the DNS overlay mounted and the container's host name set.
 */
package org.nlbridge.driver.run;
