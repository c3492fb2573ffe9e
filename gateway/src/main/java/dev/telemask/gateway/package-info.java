/** placeholder */
package dev.telemask.gateway;
