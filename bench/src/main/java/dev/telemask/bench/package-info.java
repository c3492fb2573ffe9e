/** placeholder */
package dev.telemask.bench;
