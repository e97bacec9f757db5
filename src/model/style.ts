/**
 * The names the whole house shares: the interaction styles and the services. The ground floor: it
 * imports nothing, and report, analyse, measure and the transports name a style from here.
 */
export const STYLES = ['rest', 'notification', 'collaboration'] as const;
export type Style = (typeof STYLES)[number];

export const SERVICES = ['auth', 'billing', 'order', 'notification'] as const;
export type ServiceName = (typeof SERVICES)[number];
