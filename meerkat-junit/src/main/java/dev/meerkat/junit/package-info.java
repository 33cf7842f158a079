/** JUnit 5 support: an embedded Meerkat server per test class. */
package dev.meerkat.junit;
