/** The Haven server: its entry point, its engines and the server that wires them together. */
@NullMarked
package org.haven.server;

import org.jspecify.annotations.NullMarked;
