/** placeholder */
package dev.telemask.storage;
