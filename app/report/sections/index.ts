/**
 * The registry of report sections, in the order the default suite runs them. A section joins the
 * report by one import and one entry here (its module lives next to this file).
 */
import type { AnySection } from "../types.ts";
import { kajitsukaSatoSection } from "./kajitsuka-sato.ts";
import { mahdaviSection } from "./mahdavi.ts";
import { danaSection } from "./dana.ts";
import { trainingSection } from "./training.ts";
import { claimsSection } from "./claims.ts";

export const SECTIONS: AnySection[] = [kajitsukaSatoSection, mahdaviSection, danaSection, claimsSection, trainingSection];
